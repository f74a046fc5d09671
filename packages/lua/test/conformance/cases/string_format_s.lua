print(string.format("%s|%s|%s", "a", 1, 2.5))
print(string.format("[%10s][%-10s][%.2s]", "hi", "hi", "hello"))
