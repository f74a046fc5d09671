print(1 or 2 and 3, nil and 1 or 2, (1 or 2) and 3, not nil == true, not (1 == 2))
