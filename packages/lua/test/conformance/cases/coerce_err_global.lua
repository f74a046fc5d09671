print(undefinedvar + 1)
