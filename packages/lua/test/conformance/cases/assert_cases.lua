print(assert(1, "m"), assert("x"))
print(pcall(assert, false))
print(pcall(assert, nil, "custom msg"))
print(select("#", assert(1, 2, 3)))
