print(math.floor("3.5"), math.max("10", 2), math.abs("-3"))
