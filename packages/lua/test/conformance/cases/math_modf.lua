print(math.modf(3.7))
print(math.modf(-3.7))
print(math.modf(5))
print(math.modf(math.huge))
