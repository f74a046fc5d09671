local v
print(math.floor(v))
