print(select("#"), select("#", 1, nil, 3), select(2, "a", "b", "c"), select(-1, "a", "b", "c"))
print(select(3, 1, 2))
print(pcall(select, 0, 1))
