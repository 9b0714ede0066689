using System.Buffers.Text;
using System.Text;

namespace Workflows.Storage.Relational.Tests;

public sealed class PageTokenTests
{
    private static readonly Guid JobId = Guid.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301");

    [Fact]
    public void Parse_CreatedToken_RoundTrips()
    {
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

        var cursor = PageToken.Parse(PageToken.Create(createdAt, JobId), "query");

        Assert.Equal(new PageCursor(createdAt, JobId), cursor);
    }

    [Fact]
    public void Create_SubMillisecondTime_KeepsWholeMilliseconds()
    {
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123).AddTicks(4567);

        var cursor = PageToken.Parse(PageToken.Create(createdAt, JobId), "query");

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), cursor.CreatedAt);
    }

    [Fact]
    public void Create_KnownCursor_IsTheDocumentedText()
    {
        // Tokens outlive a restart and a switch of store, so their text is part of the contract.
        var token = PageToken.Create(DateTimeOffset.FromUnixTimeMilliseconds(42), JobId);

        Assert.Equal("42:3f2504e0-4f89-11d3-9a0c-0305e82c3301", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("!!!!")]
    [InlineData("====")]
    public void Parse_Garbage_ThrowsArgumentExceptionNamingTheParameter(string token)
    {
        var exception = Assert.Throws<ArgumentException>(() => PageToken.Parse(token, "query"));

        Assert.Equal("query", exception.ParamName);
        Assert.Contains("page token is malformed", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("42")]                                            // no id
    [InlineData(":3f2504e0-4f89-11d3-9a0c-0305e82c3301")]         // no time
    [InlineData("x:3f2504e0-4f89-11d3-9a0c-0305e82c3301")]        // time not a number
    [InlineData("42:3f2504e0-4f89-11d3-9a0c-0305e82c330")]        // id cut short
    [InlineData("42:3f2504e0-4f89-11d3-9a0c-0305e82c3301:7")]     // something appended
    [InlineData("42:{3f2504e0-4f89-11d3-9a0c-0305e82c3301}")]     // id in another format
    [InlineData("99999999999999999:3f2504e0-4f89-11d3-9a0c-0305e82c3301")] // beyond DateTimeOffset
    [InlineData("-99999999999999999:3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("1 :3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    public void Parse_TamperedText_Throws(string text)
    {
        var token = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

        var exception = Assert.Throws<ArgumentException>(() => PageToken.Parse(token, "query"));

        Assert.Equal("query", exception.ParamName);
    }

    [Fact]
    public void Parse_TokenWithACharacterChanged_ThrowsOrStillNamesAValidCursor()
    {
        var token = PageToken.Create(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), JobId);

        for (var i = 0; i < token.Length; i++)
        {
            var tampered = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            try
            {
                // Without a signature a flipped character can still spell a valid cursor; it then only moves where the
                // listing starts, inside the caller's own organisation. Anything else must be refused, never half-read.
                var cursor = PageToken.Parse(tampered, "query");
                Assert.NotEqual(default, cursor);
            }
            catch (ArgumentException exception)
            {
                Assert.Equal("query", exception.ParamName);
            }
        }
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => PageToken.Parse(null!, "query"));
    }
}
