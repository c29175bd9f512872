using EspRelease.Cli;

return await EspReleaseRootCommand.Create().Parse(args).InvokeAsync();
