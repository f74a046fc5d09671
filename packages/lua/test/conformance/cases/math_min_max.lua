print(math.min(3, 1, 2), math.max(3, 1, 2), math.min(5), math.max(-1, -5), math.min(1.5, 1.25))
