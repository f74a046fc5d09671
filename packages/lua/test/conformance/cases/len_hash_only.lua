local t = {x = 1, y = 2}
print(#t)
t[1] = 1
t[2] = 2
print(#t)
