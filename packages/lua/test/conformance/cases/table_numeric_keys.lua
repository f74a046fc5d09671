local t = {}
t[1.0] = "one"
t[2] = "two"
t[1.5] = "onehalf"
t[-1] = "neg"
t[0] = "zero"
print(t[1], t[2.0], t[1.5], t[-1], t[0], #t)
