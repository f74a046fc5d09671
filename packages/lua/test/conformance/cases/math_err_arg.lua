print(pcall(math.floor, "x"))
print(pcall(math.floor))
print(pcall(math.max))
