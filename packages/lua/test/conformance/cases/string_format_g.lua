print(string.format("%g %g %g %g", 1, 0.1, 1e20, 1/3))
print(string.format("%.3g %10.4g %g", math.pi, 2.5, 100000000))
