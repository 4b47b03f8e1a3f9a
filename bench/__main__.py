from bench.measure import main

main()
