print(table.concat({1, 2, 3}), table.concat({"a", "b"}, ", "), table.concat({1, 2, 3, 4}, "-", 2, 3), table.concat({}))
print(table.concat({1.5, "x", 3}, " "))
