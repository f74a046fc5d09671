local t = {5}
print(next(t))
print(next(t, 1))
print(next({}))
