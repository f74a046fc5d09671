local a = 2 + 3 * 4
local b = (1 + 1) ^ 3
local c = 7 % 3
print(a, b, c, 10 - 2 - 3, 2 ^ 3 ^ 2)
