local t = {1, 2, x = "x", [10] = "ten", "three", ["y"] = 4}
print(t[1], t[2], t[3], t.x, t[10], t.y, #t)
