"""Getting advice end to end: the forecast and air quality behind it, the verdict from the safety
rules, what to wear, the venues that fit it, the words it is said in and the run lengths it is
given for."""
