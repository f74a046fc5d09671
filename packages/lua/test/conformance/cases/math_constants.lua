print(math.pi, math.huge, -math.huge, math.huge > 1e308)
