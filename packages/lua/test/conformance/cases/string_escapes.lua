print("tab\tend", "nl\\n", "q\"q", 's\'s', "\65\066", [[long
string]])
