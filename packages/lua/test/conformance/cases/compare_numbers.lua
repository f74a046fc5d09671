print(1 < 2, 2 < 1, 1 <= 1, 2 >= 3, 3 > 2, 1 == 1.0, 1 ~= 2)
local a, b = 3, 3
print(a < b, a <= b, a > b, a >= b, a == b, a ~= b)
