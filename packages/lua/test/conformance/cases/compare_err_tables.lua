local t, u = {}, {}
print(t < u)
