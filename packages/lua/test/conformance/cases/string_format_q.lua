print(string.format("%q", "he said \"hi\"\n\\"))
