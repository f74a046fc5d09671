local a = "x"
print(a >= 1)
