g1, g2 = 5, 6
g1, g2 = g2, g1
print(g1, g2)
