"""Where the runner is: place names geocoded with Nominatim (through geopy), and coordinates."""
