local t = {v = {}}
print(t.v - 1)
