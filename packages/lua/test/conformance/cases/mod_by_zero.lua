local z = 0
print(1/z, -1/z)
print(math.huge % 2 ~= math.huge % 2)
