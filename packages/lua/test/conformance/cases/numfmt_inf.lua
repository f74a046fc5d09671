print(math.huge, -math.huge, 1/0 == math.huge, tostring(1/0))
