print(notable.field)
