print(math.abs(-4), math.abs(4.5), math.sqrt(16), math.sqrt(2), math.abs(-0.0) == 0)
