local t = {1, 2, 3, 4}
print(table.remove(t), #t)
print(table.remove(t, 1), #t, t[1], t[2])
print(table.remove({}))
