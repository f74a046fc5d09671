print(pcall(function(a, b) return a + b end, 3, 4))
print(pcall(math.max, 3, 9, 2))
