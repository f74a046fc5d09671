local a = 1
local b = 2
a, b = b + 10, a + 20
print(a, b)
