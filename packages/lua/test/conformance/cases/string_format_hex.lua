-- oracle: luajit
-- %a and %A: normalised hex floats (subnormals too), shortest exact digits, rounding half up with a carry to 2, flags and widths
local F = string.format
print(F("%a|%a|%a|%a|%a|%a|%a", 1, 0.5, -3.75, 255.5, 0, -0, 0.1))
print(F("%a|%a|%a|%a|%a", 2^-1074, 2^-1022, 1e-310, 2^1023, 1.7976931348623157e308))
print(F("%.0a|%.1a|%.1a|%.2a|%.3a|%.12a|%.13a|%.14a|%.20a", 1.5, 1.96875, 1.03125, 1/3, 1/3, 0.1, 0.1, 0.1, 1.1))
print(F("%#a|%#.0a|%.0a|%.2a|%#.0a", 1, 1, 0, 0, 0))
print(F("%020a|%-20a|%+a|% a|%20.3a|%-+12.1a|", 1.5, 1.5, 1.5, 1.5, -1/3, 2))
print(F("%A|%.2A|%A|%A|%#A", 255.5, 1/3, 0, 2^-1074, 3))
print(F("%a|%A|%a|%+a|% A|%010a|%-6a|", 1/0, -1/0, 0/0, 1/0, 0/0, -1/0, 1/0))
