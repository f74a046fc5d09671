local a, b = 1, 2, 3
print(a, b)
local c, d, e = 1
print(c, d, e)
