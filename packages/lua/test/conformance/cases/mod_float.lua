print(5.5 % 2, -5.5 % 2, 1 % 0.3, 10 % 3.5)
local z = 0
print(3 % 1, z % 5)
