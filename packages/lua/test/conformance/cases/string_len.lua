print(string.len("hello"), string.len(""), string.len("a\0b"), string.len(123))
