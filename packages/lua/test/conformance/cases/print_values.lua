print(nil, true, false, 1, "s")
print()
print("a", nil, "b")
