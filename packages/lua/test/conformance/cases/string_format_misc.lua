print(string.format("%c%c%c", 76, 117, 97))
print(string.format("%e %.2e", 12345.678, 0.000123))
print(string.format("100%% %s", "done"))
