"""Getting advice end to end: the verdict from the safety rules, the weather and air quality behind
it, what to wear, the venues that fit it and the words it is said in."""
