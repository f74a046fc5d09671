print(string.format("%x %X %x %#x", 255, 255, 4096, 255))
print(string.format("%04x %o", 10, 8))
