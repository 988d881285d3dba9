namespace YtDownloader.Tests;

public class BufferPoolSpecs
{
    [Fact]
    public void An_array_given_back_while_another_is_out_is_handed_out_again()
    {
        var pool = new BufferPool(mostKeptPerLength: 4);
        var first = pool.Rent(1024);
        var second = pool.Rent(1024);
        pool.Return(first);

        pool.Rent(1024).ShouldBeSameAs(first);
        pool.Rented.ShouldBe(2);
        second.Length.ShouldBe(1024);
    }

    [Fact]
    public void Free_arrays_stay_when_the_last_one_comes_back_and_go_when_the_pools_are_quiet()
    {
        var pool = new BufferPool(mostKeptPerLength: 4);
        var arrays = Enumerable.Range(0, 3).Select(_ => pool.Rent(4096)).ToList();
        arrays.ForEach(pool.Return);

        // Every part of an upload comes back at once when the store is quick: they are needed again right after.
        pool.Rented.ShouldBe(0);
        pool.Kept.ShouldBe(3);
        var again = pool.Rent(4096);
        again.ShouldBeOneOf([.. arrays]);
        pool.Return(again);

        pool.LetGoOfFree();

        pool.Kept.ShouldBe(0);
    }

    [Fact]
    public void A_forgotten_array_is_counted_back_but_never_handed_out_again()
    {
        var pool = new BufferPool(mostKeptPerLength: 4);
        var stillRead = pool.Rent(512);
        var other = pool.Rent(512);

        pool.Forget(stillRead);

        pool.Rented.ShouldBe(1);
        pool.Kept.ShouldBe(0);
        pool.Rent(512).ShouldNotBeSameAs(stillRead);
        other.ShouldNotBeSameAs(stillRead);
    }

    [Fact]
    public void No_more_free_arrays_than_the_bound_are_kept_per_length()
    {
        var pool = new BufferPool(mostKeptPerLength: 2);
        var held = pool.Rent(64);
        var arrays = Enumerable.Range(0, 4).Select(_ => pool.Rent(256)).ToList();
        arrays.ForEach(pool.Return);

        pool.Kept.ShouldBe(2);
        pool.Return(held);
    }
}
