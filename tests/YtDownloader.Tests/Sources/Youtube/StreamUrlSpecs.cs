using YtDownloader.Sources.Youtube;

namespace YtDownloader.Tests.Sources.Youtube;

public class StreamUrlSpecs
{
    private const string Base = "https://rr5---sn-hgn7rne7.googlevideo.com/videoplayback";

    [Theory]
    [InlineData(Base + "?expire=1660346178&n=oL0MKWosrIboIDthtL&itag=18", "n", "oL0MKWosrIboIDthtL")]
    [InlineData(Base + "?n=first&itag=18", "n", "first")]
    [InlineData(Base + "?itag=18&n=last", "n", "last")]
    [InlineData(Base + "?itag=18", "n", null)]
    [InlineData(Base, "n", null)]
    [InlineData(Base + "?nn=wrong&xn=wrong&n=right", "n", "right")]
    [InlineData(Base + "?nn=wrong", "n", null)]
    [InlineData(Base + "?n=", "n", "")]
    [InlineData(Base + "?mn=sn-hgn7rne7%2Csn-25glenl6&itag=18", "mn", "sn-hgn7rne7,sn-25glenl6")]
    [InlineData(Base + "?xpc=EgVo2aDSNQ%3D%3D", "xpc", "EgVo2aDSNQ==")]
    [InlineData(Base + "?lsig=AG3C_xAwRQIhAL-7KCiO%2F%2B%3D", "lsig", "AG3C_xAwRQIhAL-7KCiO/+=")]
    [InlineData(Base + "?itag=18&&n=abc&", "n", "abc")]
    [InlineData(Base + "?N=upper", "n", null)]
    public void I_can_read_one_query_parameter_of_a_stream_url(string url, string name, string? expected)
    {
        StreamUrl.GetParameter(url, name).ShouldBe(expected);
    }

    [Fact]
    public void I_can_read_the_throttling_parameter_n()
    {
        StreamUrl.GetN(Base + "?itag=18&n=oL0MKWosrIboIDthtL&c=WEB").ShouldBe("oL0MKWosrIboIDthtL");
        StreamUrl.GetN(Base + "?itag=18&c=ANDROID").ShouldBeNull();
    }

    [Theory]
    // Replacing n keeps every other parameter as it was, in order.
    [InlineData(Base + "?expire=1&n=old&itag=18", "n", "new", Base + "?expire=1&itag=18&n=new")]
    // Appending a signature.
    [InlineData(Base + "?expire=1&itag=18", "sig", "AOq0QJ8wRQ", Base + "?expire=1&itag=18&sig=AOq0QJ8wRQ")]
    [InlineData(Base + "?expire=1&itag=18", "signature", "AOq0QJ8wRQ", Base + "?expire=1&itag=18&signature=AOq0QJ8wRQ")]
    // Values are percent-encoded; already-encoded neighbours are left untouched.
    [InlineData(Base + "?xpc=EgVo2aDSNQ%3D%3D&mn=a%2Cb", "sig", "AJfQ/dSs+w==", Base + "?xpc=EgVo2aDSNQ%3D%3D&mn=a%2Cb&sig=AJfQ%2FdSs%2Bw%3D%3D")]
    [InlineData(Base + "?itag=18", "n", "a b&c=d", Base + "?itag=18&n=a%20b%26c%3Dd")]
    // A URL without a query gets one.
    [InlineData(Base, "n", "x", Base + "?n=x")]
    // Parameters whose names merely end or start with the name are not replaced.
    [InlineData(Base + "?nn=1&xn=2&n=3", "n", "4", Base + "?nn=1&xn=2&n=4")]
    // Every duplicate of the parameter goes.
    [InlineData(Base + "?n=1&itag=18&n=2", "n", "3", Base + "?itag=18&n=3")]
    public void I_can_set_one_query_parameter_without_disturbing_the_others(string url, string name, string value, string expected)
    {
        var result = StreamUrl.WithParameter(url, name, value);

        result.ShouldBe(expected);
        StreamUrl.GetParameter(result, name).ShouldBe(value);
        new Uri(result).Host.ShouldBe("rr5---sn-hgn7rne7.googlevideo.com");
    }

    [Fact]
    public void I_can_replace_n_then_append_sig_on_a_recorded_url()
    {
        const string recorded = Base + "?expire=1660346178&ei=4or2Yry3ELqG0u8Py7uO6Ac&ip=127.0.0.1&itag=18"
            + "&mn=sn-hgn7rne7%2Csn-25glenl6&n=oL0MKWosrIboIDthtL&sparams=expire%2Cei%2Cip%2Citag&lsig=AG3C_xAwRQIhAL%3D%3D";

        var url = StreamUrl.WithParameter(StreamUrl.WithParameter(recorded, "n", "dbxNtZ14c-yWyw"), "sig", "AOq0QJ8w=");

        StreamUrl.GetN(url).ShouldBe("dbxNtZ14c-yWyw");
        StreamUrl.GetParameter(url, "sig").ShouldBe("AOq0QJ8w=");
        foreach (var (name, value) in new[]
                 {
                     ("expire", "1660346178"), ("ei", "4or2Yry3ELqG0u8Py7uO6Ac"), ("ip", "127.0.0.1"), ("itag", "18"),
                     ("mn", "sn-hgn7rne7,sn-25glenl6"), ("sparams", "expire,ei,ip,itag"), ("lsig", "AG3C_xAwRQIhAL=="),
                 })
        {
            StreamUrl.GetParameter(url, name).ShouldBe(value);
        }
        url.Split('?')[1].Split('&').Length.ShouldBe(9);
        url.ShouldContain("&mn=sn-hgn7rne7%2Csn-25glenl6&");
    }
}
