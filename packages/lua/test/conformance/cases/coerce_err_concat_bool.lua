print("v=" .. true)
