print(string.format("%d %d %d", 1, -42, 3.9))
print(string.format("[%5d] [%-5d] [%05d] [%+d]", 42, 42, 42, 42))
