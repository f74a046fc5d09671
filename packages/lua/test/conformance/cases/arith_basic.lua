print(1 + 2, 5 - 7, 3 * 4, 7 / 2, 2 ^ 10)
local a, b = 17, 5
print(a + b, a - b, a * b, a / b, a % b, a ^ 2)
