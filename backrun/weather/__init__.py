"""Weather: providers (Open-Meteo, MET Norway) normalised into one model, plus a caching service."""
