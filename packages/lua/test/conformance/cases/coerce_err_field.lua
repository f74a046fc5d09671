local t = {}
print(t.x * 2)
