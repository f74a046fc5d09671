print(true < false)
