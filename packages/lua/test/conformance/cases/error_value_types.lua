print(pcall(error, true))
print(pcall(error, 3.5))
print(pcall(error, "s", 0))
