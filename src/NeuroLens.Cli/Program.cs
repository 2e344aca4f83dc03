return NeuroLens.Cli.App.Run(args, Console.Out, Console.Error);
